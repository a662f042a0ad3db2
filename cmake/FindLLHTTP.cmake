# Finds the llhttp C sources Debian ships in node-llhttp and builds them as a static library.
# Defines the target llhttp::llhttp.
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp NO_DEFAULT_PATH)
find_path(LLHTTP_SOURCE_DIR llhttp.c PATHS /usr/share/llhttp NO_DEFAULT_PATH)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LLHTTP REQUIRED_VARS LLHTTP_INCLUDE_DIR LLHTTP_SOURCE_DIR)
if(LLHTTP_FOUND AND NOT TARGET llhttp::llhttp)
  add_library(warren_llhttp STATIC
    ${LLHTTP_SOURCE_DIR}/llhttp.c ${LLHTTP_SOURCE_DIR}/api.c ${LLHTTP_SOURCE_DIR}/http.c)
  target_include_directories(warren_llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
  set_target_properties(warren_llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
  add_library(llhttp::llhttp ALIAS warren_llhttp)
endif()
