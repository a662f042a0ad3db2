// The one translation unit that compiles standalone asio (ASIO_SEPARATE_COMPILATION).
#include <asio/impl/src.hpp>
