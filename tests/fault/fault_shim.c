/* Fault-injection shim (LD_PRELOAD): makes a process see the faults a real kernel produces
 * on TCP sockets.
 *
 *   - write, send, sendto, sendmsg, writev, sendfile, sendfile64 move only 1..MAX_WRITE bytes
 *     per call, and now and then pause for up to PAUSE_US microseconds before doing so;
 *   - every one of those calls and read, recv, recvfrom, recvmsg, readv now and then fails
 *     with EINTR without doing anything;
 *   - reads are optionally capped to 1..MAX_READ bytes (off by default: the peer's capped
 *     writes already fragment what arrives).
 *
 * Contract:
 *   - Acts only when WARREN_FAULT_ENABLE=1 and the program is a warren binary or test
 *     (program_invocation_short_name starts with "warren" or ends with "_test"), so that
 *     curl, python, sh and the like started by the tests run untouched even though they
 *     inherit LD_PRELOAD. Everything else passes straight through to libc.
 *   - Touches only TCP sockets (getsockopt SO_PROTOCOL == IPPROTO_TCP, checked on every call
 *     so a reused descriptor number is never misjudged); eventfds, pipes, files, stdout and
 *     Unix sockets pass through.
 *   - Thread-safe: the random generator is per thread, the counters are atomic.
 *
 * Environment (all optional):
 *   WARREN_FAULT_ENABLE=1        turn the shim on
 *   WARREN_FAULT_SEED=N          base seed (default 1); each thread mixes in the program name
 *                                and its own start order, so runs are reproducible-ish
 *   WARREN_FAULT_EINTR_EVERY=N   about 1 call in N fails with EINTR (default 8; 0: never)
 *   WARREN_FAULT_MAX_WRITE=N     writes move 1..N bytes (default 7; 0: no cap)
 *   WARREN_FAULT_MAX_READ=N      reads move at most 1..N bytes (default 0: no cap)
 *   WARREN_FAULT_PAUSE_US=N      longest pause before a write, in microseconds (default 100)
 *   WARREN_FAULT_PAUSE_EVERY=N   about 1 write in N pauses (default 32; 0: never)
 *   WARREN_FAULT_VERBOSE=1       print the fault counters to stderr at exit
 *   WARREN_FAULT_STATS_DIR=DIR   keep the counters in DIR/<program>.<pid> (a shared mapping,
 *                                so they survive even a SIGKILL)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ---- configuration --------------------------------------------------------------------- */

static struct {
  int active;
  uint64_t seed;
  unsigned eintr_every;
  size_t max_write;
  size_t max_read;
  unsigned pause_us;
  unsigned pause_every;
  int verbose;
} cfg;

static pthread_once_t cfg_once = PTHREAD_ONCE_INIT;

/* ---- counters -------------------------------------------------------------------------- */

enum {
  c_calls,        /* intercepted calls on TCP sockets */
  c_eintr,        /* calls failed with an injected EINTR */
  c_short_write,  /* writes cut short */
  c_short_read,   /* reads cut short (only with MAX_READ) */
  c_pauses,       /* pauses before a write */
  c_bytes_out,    /* bytes moved by writes */
  c_bytes_in,     /* bytes moved by reads */
  /* intercepted calls on TCP sockets, by function (the _chk and 64 variants included) */
  c_write, c_send, c_sendto, c_sendmsg, c_writev, c_sendfile,
  c_read, c_recv, c_recvfrom, c_recvmsg, c_readv,
  c_count
};

static const char* const counter_names[c_count] = {
  "calls", "eintr", "short_writes", "short_reads", "pauses", "bytes_out", "bytes_in",
  "write", "send", "sendto", "sendmsg", "writev", "sendfile",
  "read", "recv", "recvfrom", "recvmsg", "readv",
};
enum { c_first_function = c_write };

static uint64_t local_counters[c_count];
static uint64_t* counters = local_counters;  /* or a shared mapping, see stats_dir */

static void count(int which, uint64_t n) {
  __atomic_fetch_add(&counters[which], n, __ATOMIC_RELAXED);
}

/* A forked child must not add to its parent's stats file. */
static void after_fork_in_child(void) {
  memset(local_counters, 0, sizeof(local_counters));
  counters = local_counters;
}

static void map_stats_file(const char* dir) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s.%d", dir, program_invocation_short_name, (int)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  size_t size = sizeof(uint64_t) * c_count;
  if (ftruncate(fd, (off_t)size) == 0) {
    void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED)
      counters = p;
  }
  close(fd);
}

static void print_counters(void) {
  if (!cfg.active || !cfg.verbose)
    return;
  char line[1024];
  int n = snprintf(line, sizeof(line), "warren_fault_shim[%s %d]:", program_invocation_short_name,
                   (int)getpid());
  for (int i = 0; i < c_count && n < (int)sizeof(line); ++i) {
    uint64_t value = __atomic_load_n(&counters[i], __ATOMIC_RELAXED);
    if (i < c_first_function || value != 0)  /* per-function counts only where used */
      n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%llu", counter_names[i],
                    (unsigned long long)value);
  }
  if (n < (int)sizeof(line) - 1)
    line[n++] = '\n';
  /* stderr is never a TCP socket here; write directly to avoid stdio locks at exit. */
  ssize_t ignored = write(STDERR_FILENO, line, (size_t)n);
  (void)ignored;
}

/* ---- setup ----------------------------------------------------------------------------- */

static unsigned long env_number(const char* name, unsigned long fallback) {
  const char* s = getenv(name);
  if (s == NULL || *s == '\0')
    return fallback;
  char* end;
  unsigned long v = strtoul(s, &end, 10);
  return *end == '\0' ? v : fallback;
}

static int is_warren_program(const char* name) {
  size_t n = strlen(name);
  return strncmp(name, "warren", 6) == 0 || (n >= 5 && strcmp(name + n - 5, "_test") == 0);
}

static void configure(void) {
  const char* enable = getenv("WARREN_FAULT_ENABLE");
  if (enable == NULL || strcmp(enable, "1") != 0
      || !is_warren_program(program_invocation_short_name))
    return;
  cfg.seed = env_number("WARREN_FAULT_SEED", 1);
  cfg.eintr_every = (unsigned)env_number("WARREN_FAULT_EINTR_EVERY", 8);
  cfg.max_write = env_number("WARREN_FAULT_MAX_WRITE", 7);
  cfg.max_read = env_number("WARREN_FAULT_MAX_READ", 0);
  cfg.pause_us = (unsigned)env_number("WARREN_FAULT_PAUSE_US", 100);
  cfg.pause_every = (unsigned)env_number("WARREN_FAULT_PAUSE_EVERY", 32);
  cfg.verbose = env_number("WARREN_FAULT_VERBOSE", 0) == 1;
  const char* dir = getenv("WARREN_FAULT_STATS_DIR");
  if (dir != NULL && *dir != '\0')
    map_stats_file(dir);
  pthread_atfork(NULL, NULL, after_fork_in_child);
  cfg.active = 1;
}

__attribute__((constructor)) static void shim_init(void) {
  pthread_once(&cfg_once, configure);
}

__attribute__((destructor)) static void shim_fini(void) {
  print_counters();
}

/* Declares real_NAME: the next definition of NAME (libc's), looked up once; two threads
 * racing on the first call both store the same pointer. */
#define REAL(name)                                                                         \
  static __typeof__(name)* real_##name##_cache;                                            \
  __typeof__(name)* real_##name = __atomic_load_n(&real_##name##_cache, __ATOMIC_ACQUIRE); \
  if (real_##name == NULL) {                                                               \
    real_##name = (__typeof__(name)*)dlsym(RTLD_NEXT, #name);                              \
    __atomic_store_n(&real_##name##_cache, real_##name, __ATOMIC_RELEASE);                 \
  }

/* ---- decisions ------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static uint64_t next_random(void) {
  static __thread uint64_t state;
  static uint64_t threads_started;
  if (state == 0) {
    uint64_t name_hash = 1469598103934665603ull;  /* FNV-1a */
    for (const char* p = program_invocation_short_name; *p; ++p)
      name_hash = (name_hash ^ (unsigned char)*p) * 1099511628211ull;
    uint64_t order = __atomic_add_fetch(&threads_started, 1, __ATOMIC_RELAXED);
    state = splitmix64(cfg.seed ^ name_hash ^ (order * 0x9e3779b97f4a7c15ull)) | 1;
  }
  /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dull;
}

/* True when the shim should act on `fd` for a transfer of `length` bytes; counts the call
 * under `function`. */
static int targeted(int fd, size_t length, int function) {
  pthread_once(&cfg_once, configure);
  if (!cfg.active || length == 0)
    return 0;
  int saved_errno = errno;  /* ENOTSOCK from the probe must not leak to the caller */
  int protocol = 0;
  socklen_t size = sizeof(protocol);
  int rc = getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size);
  errno = saved_errno;
  if (rc != 0 || protocol != IPPROTO_TCP)
    return 0;
  count(c_calls, 1);
  count(function, 1);
  return 1;
}

/* True (errno set) when this call should fail with EINTR. */
static int inject_eintr(void) {
  if (cfg.eintr_every == 0 || next_random() % cfg.eintr_every != 0)
    return 0;
  count(c_eintr, 1);
  errno = EINTR;
  return 1;
}

static void maybe_pause(void) {
  if (cfg.pause_every == 0 || cfg.pause_us == 0 || next_random() % cfg.pause_every != 0)
    return;
  count(c_pauses, 1);
  struct timespec t = {0, (long)(next_random() % (cfg.pause_us + 1)) * 1000L};
  nanosleep(&t, NULL);
}

/* The number of bytes this write may move: 1..max_write, never more than `length`. */
static size_t write_cap(size_t length) {
  maybe_pause();
  if (cfg.max_write == 0)
    return length;
  size_t cap = 1 + (size_t)(next_random() % cfg.max_write);
  if (cap >= length)
    return length;
  count(c_short_write, 1);
  return cap;
}

static size_t read_cap(size_t length) {
  if (cfg.max_read == 0)
    return length;
  size_t cap = 1 + (size_t)(next_random() % cfg.max_read);
  if (cap >= length)
    return length;
  count(c_short_read, 1);
  return cap;
}

static ssize_t counted(ssize_t n, int which) {
  if (n > 0)
    count(which, (uint64_t)n);
  return n;
}

static size_t iov_total(const struct iovec* iov, size_t count_) {
  size_t total = 0;
  for (size_t i = 0; i < count_; ++i)
    total += iov[i].iov_len;
  return total;
}

/* Copies the first `limit` bytes' worth of `iov` into `out` (room for `count_` entries);
 * returns the new entry count. */
static size_t iov_truncate(const struct iovec* iov, size_t count_, size_t limit,
                           struct iovec* out) {
  size_t n = 0;
  for (size_t i = 0; i < count_ && limit > 0; ++i) {
    out[n] = iov[i];
    if (out[n].iov_len > limit)
      out[n].iov_len = limit;
    limit -= out[n].iov_len;
    ++n;
  }
  return n;
}

/* ---- writes ---------------------------------------------------------------------------- */

ssize_t write(int fd, const void* buf, size_t length) {
  REAL(write);
  if (!targeted(fd, length, c_write))
    return real_write(fd, buf, length);
  if (inject_eintr())
    return -1;
  return counted(real_write(fd, buf, write_cap(length)), c_bytes_out);
}

ssize_t send(int fd, const void* buf, size_t length, int flags) {
  REAL(send);
  if (!targeted(fd, length, c_send))
    return real_send(fd, buf, length, flags);
  if (inject_eintr())
    return -1;
  return counted(real_send(fd, buf, write_cap(length), flags), c_bytes_out);
}

ssize_t sendto(int fd, const void* buf, size_t length, int flags, const struct sockaddr* to,
               socklen_t to_length) {
  REAL(sendto);
  if (!targeted(fd, length, c_sendto))
    return real_sendto(fd, buf, length, flags, to, to_length);
  if (inject_eintr())
    return -1;
  return counted(real_sendto(fd, buf, write_cap(length), flags, to, to_length), c_bytes_out);
}

ssize_t writev(int fd, const struct iovec* iov, int iov_count) {
  REAL(writev);
  if (iov_count <= 0 || iov_count > IOV_MAX
      || !targeted(fd, iov_total(iov, (size_t)iov_count), c_writev))
    return real_writev(fd, iov, iov_count);
  if (inject_eintr())
    return -1;
  struct iovec capped[IOV_MAX];
  size_t n = iov_truncate(iov, (size_t)iov_count, write_cap(iov_total(iov, (size_t)iov_count)),
                          capped);
  return counted(real_writev(fd, capped, (int)n), c_bytes_out);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  REAL(sendmsg);
  if (msg == NULL || msg->msg_iovlen > IOV_MAX
      || !targeted(fd, iov_total(msg->msg_iov, msg->msg_iovlen), c_sendmsg))
    return real_sendmsg(fd, msg, flags);
  if (inject_eintr())
    return -1;
  struct iovec capped[IOV_MAX];
  struct msghdr copy = *msg;
  copy.msg_iov = capped;
  copy.msg_iovlen = iov_truncate(msg->msg_iov, msg->msg_iovlen,
                                 write_cap(iov_total(msg->msg_iov, msg->msg_iovlen)), capped);
  return counted(real_sendmsg(fd, &copy, flags), c_bytes_out);
}

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t length) {
  REAL(sendfile);
  if (!targeted(out_fd, length, c_sendfile))
    return real_sendfile(out_fd, in_fd, offset, length);
  if (inject_eintr())
    return -1;
  return counted(real_sendfile(out_fd, in_fd, offset, write_cap(length)), c_bytes_out);
}

ssize_t sendfile64(int out_fd, int in_fd, off64_t* offset, size_t length) {
  REAL(sendfile64);
  if (!targeted(out_fd, length, c_sendfile))
    return real_sendfile64(out_fd, in_fd, offset, length);
  if (inject_eintr())
    return -1;
  return counted(real_sendfile64(out_fd, in_fd, offset, write_cap(length)), c_bytes_out);
}

/* ---- reads ----------------------------------------------------------------------------- */

ssize_t read(int fd, void* buf, size_t length) {
  REAL(read);
  if (!targeted(fd, length, c_read))
    return real_read(fd, buf, length);
  if (inject_eintr())
    return -1;
  return counted(real_read(fd, buf, read_cap(length)), c_bytes_in);
}

ssize_t recv(int fd, void* buf, size_t length, int flags) {
  REAL(recv);
  if (!targeted(fd, length, c_recv))
    return real_recv(fd, buf, length, flags);
  if (inject_eintr())
    return -1;
  return counted(real_recv(fd, buf, read_cap(length), flags), c_bytes_in);
}

ssize_t recvfrom(int fd, void* buf, size_t length, int flags, struct sockaddr* from,
                 socklen_t* from_length) {
  REAL(recvfrom);
  if (!targeted(fd, length, c_recvfrom))
    return real_recvfrom(fd, buf, length, flags, from, from_length);
  if (inject_eintr())
    return -1;
  return counted(real_recvfrom(fd, buf, read_cap(length), flags, from, from_length), c_bytes_in);
}

ssize_t readv(int fd, const struct iovec* iov, int iov_count) {
  REAL(readv);
  if (iov_count <= 0 || iov_count > IOV_MAX
      || !targeted(fd, iov_total(iov, (size_t)iov_count), c_readv))
    return real_readv(fd, iov, iov_count);
  if (inject_eintr())
    return -1;
  struct iovec capped[IOV_MAX];
  size_t n = iov_truncate(iov, (size_t)iov_count, read_cap(iov_total(iov, (size_t)iov_count)),
                          capped);
  return counted(real_readv(fd, capped, (int)n), c_bytes_in);
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  REAL(recvmsg);
  if (msg == NULL || msg->msg_iovlen > IOV_MAX
      || !targeted(fd, iov_total(msg->msg_iov, msg->msg_iovlen), c_recvmsg))
    return real_recvmsg(fd, msg, flags);
  if (inject_eintr())
    return -1;
  struct iovec capped[IOV_MAX];
  struct iovec* original = msg->msg_iov;
  size_t original_count = msg->msg_iovlen;
  msg->msg_iovlen = iov_truncate(original, original_count,
                                 read_cap(iov_total(original, original_count)), capped);
  msg->msg_iov = capped;
  ssize_t n = real_recvmsg(fd, msg, flags);
  msg->msg_iov = original;  /* the caller's iovec array is what it gave us */
  msg->msg_iovlen = original_count;
  return counted(n, c_bytes_in);
}

/* _FORTIFY_SOURCE builds call these instead of read/recv/recvfrom. */
ssize_t __read_chk(int fd, void* buf, size_t length, size_t buf_length);
ssize_t __recv_chk(int fd, void* buf, size_t length, size_t buf_length, int flags);
ssize_t __recvfrom_chk(int fd, void* buf, size_t length, size_t buf_length, int flags,
                       struct sockaddr* from, socklen_t* from_length);

ssize_t __read_chk(int fd, void* buf, size_t length, size_t buf_length) {
  REAL(__read_chk);
  if (!targeted(fd, length, c_read))
    return real___read_chk(fd, buf, length, buf_length);
  if (inject_eintr())
    return -1;
  return counted(real___read_chk(fd, buf, read_cap(length), buf_length), c_bytes_in);
}

ssize_t __recv_chk(int fd, void* buf, size_t length, size_t buf_length, int flags) {
  REAL(__recv_chk);
  if (!targeted(fd, length, c_recv))
    return real___recv_chk(fd, buf, length, buf_length, flags);
  if (inject_eintr())
    return -1;
  return counted(real___recv_chk(fd, buf, read_cap(length), buf_length, flags), c_bytes_in);
}

ssize_t __recvfrom_chk(int fd, void* buf, size_t length, size_t buf_length, int flags,
                       struct sockaddr* from, socklen_t* from_length) {
  REAL(__recvfrom_chk);
  if (!targeted(fd, length, c_recvfrom))
    return real___recvfrom_chk(fd, buf, length, buf_length, flags, from, from_length);
  if (inject_eintr())
    return -1;
  return counted(real___recvfrom_chk(fd, buf, read_cap(length), buf_length, flags, from,
                                     from_length),
                 c_bytes_in);
}
