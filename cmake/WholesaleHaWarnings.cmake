# Warnings every target of ours compiles with; the tree builds clean under them.
function(wholesale_ha_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(WHOLESALE_HA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
