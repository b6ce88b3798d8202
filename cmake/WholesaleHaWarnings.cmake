# Warnings every target of ours compiles with; the tree builds clean under them.
function(wholesale_ha_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough
    # Options structs are meant to be filled with designated initializers naming only what
    # differs from the defaults; GCC 12 would flag every omitted field.
    -Wno-missing-field-initializers)
  # GCC 12 reports impossible std::string memcpy overlaps at -O3 (GCC bug 105651).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(WHOLESALE_HA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
