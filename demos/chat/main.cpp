// warren-chat: a framed chat room. Each frame a client sends is relayed to every other
// connected client; one room actor does the relaying, so connections message each other.
//
//   warren-chat --host=127.0.0.1 --port=7001 [--scheduler.max-threads=N] [--help]

#include "actors/atoms.hpp"
#include "actors/engine.hpp"
#include "actors/run_main.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <unordered_set>

namespace {

using join_atom = caf::atom_constant<caf::atom("join")>;
using say_atom = caf::atom_constant<caf::atom("say")>;

struct room_state {
  std::unordered_set<caf::actor> members;
};

/// The room: members join; what one says goes to all others; members that end leave.
caf::behavior room(caf::stateful_actor<room_state>* self) {
  self->set_down_handler([=](caf::down_msg& down) {
    self->state.members.erase(caf::actor_cast<caf::actor>(down.source));
  });
  return {
    [=](join_atom, const caf::actor& member) {
      self->monitor(member);
      self->state.members.insert(member);
    },
    [=](say_atom, const warren::frame& f, const caf::actor& from) {
      auto msg = caf::make_message(warren::write_atom::value, f);
      for (auto& member : self->state.members)
        if (member != from)
          self->send(member, msg);
    },
  };
}

} // namespace

/// Runs the server until SIGINT/SIGTERM; returns the exit code.
int serve(caf::actor_system& sys, const warren::framed_config& cfg) {
  warren::engine engine{sys, cfg};
  auto the_room = sys.spawn(room);
  auto server = engine.serve_framed([the_room](warren::framed_connection* self) {
    self->send(the_room, join_atom::value, caf::actor{self});
    return caf::behavior{
      [=](const warren::frame& f) {
        self->send(the_room, say_atom::value, f, caf::actor{self});
      },
    };
  });
  if (!server) {
    std::cerr << "warren-chat: " << sys.render(server.error()) << std::endl;
    caf::anon_send_exit(the_room, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::cout << "warren-chat listening on " << server->address
            << std::endl;
  auto code = engine.run_until_signal();
  caf::anon_send_exit(the_room, caf::exit_reason::user_shutdown);
  return code;
}

int main(int argc, char** argv) {
  return warren::run_main<warren::framed_config>(argc, argv, serve);
}
