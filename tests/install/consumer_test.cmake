# Installs the already-built tree into a scratch prefix, then configures, builds and runs a
# consumer project against the *installed* package: with find_package(CONFIG) for the core
# alone (the backends' libraries hidden), with every component, and asking for a missing one;
# then with pkg-config. The prefix is moved after installation to prove it is relocatable.

# CXX_FLAGS / LINKER_FLAGS (may be empty): the flags the library was built with.
# COMPONENTS: the components built (a list); EXPECT_FILES: paths the install must have.
foreach(var SOURCE_DIR BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "consumer_test.cmake needs -D${var}=...")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(staging "${WORK_DIR}/staging")
set(prefix "${WORK_DIR}/moved-prefix")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${staging}")
file(RENAME "${staging}" "${prefix}")
foreach(file IN LISTS EXPECT_FILES)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
# A component this build does not have installs no headers.
cmake_policy(SET CMP0057 NEW)  # IN_LIST in a script
foreach(component libvirt corosync cib checkpoint openvz)
  if(NOT component IN_LIST COMPONENTS AND EXISTS "${prefix}/include/wholesale_ha/${component}")
    message(FATAL_ERROR "headers of ${component} installed, though it was not built")
  endif()
endforeach()

# consumer(<name> <components> [ARGS...]): configure, build and run the consumer asking for them.
function(consumer name components)
  set(dir "${WORK_DIR}/consumer-${name}")
  run("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${dir}" -G "${GENERATOR}"
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_PREFIX_PATH=${prefix}" "-DWANT=${components}"
      "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" ${ARGN})
  run("${CMAKE_COMMAND}" --build "${dir}")
  run("${dir}/consumer" "${SOURCE_DIR}/examples/clusters/two-hosts-vms.json")
endfunction()

# The core alone needs none of the backends' libraries: pkg-config finds nothing and
# pugixml is hidden, and it still configures.
set(ENV{PKG_CONFIG_LIBDIR} "${WORK_DIR}/no-pkgconfig")
consumer(core-only "" -DCMAKE_DISABLE_FIND_PACKAGE_pugixml=TRUE -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=TRUE)
unset(ENV{PKG_CONFIG_LIBDIR})
# Every component this installation has, asked for by name.
consumer(components "${COMPONENTS}")
# A component it does not have: not found, and the message says which and what there is.
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer-nonesuch" -G "${GENERATOR}"
                "-DCMAKE_PREFIX_PATH=${prefix}" "-DWANT=nonesuch"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "component \"nonesuch\" is not part of this installation")
  message(FATAL_ERROR "asking for a missing component: exit ${rc}, expected a failure naming it:\n${out}\n${err}")
endif()

# pkg-config: compile the same program by hand with the flags the .pc file gives.
file(GLOB_RECURSE pc_file "${prefix}/*/wholesale_ha.pc")
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
execute_process(COMMAND pkg-config --cflags --libs wholesale_ha
  RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not know wholesale_ha")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
# A sanitizer build's library needs its consumers compiled with the same flags.
separate_arguments(build_flags UNIX_COMMAND "${CXX_FLAGS} ${LINKER_FLAGS}")
run("${CXX_COMPILER}" -std=c++20 ${build_flags} "${CONSUMER_DIR}/main.cpp"
    -o "${WORK_DIR}/consumer-pc" ${flags} -pthread)
run("${WORK_DIR}/consumer-pc" "${SOURCE_DIR}/examples/clusters/two-hosts-vms.json")
# Every component through its own .pc file (wholesale_ha-<component>).
set(modules "")
set(defines "")
foreach(component IN LISTS COMPONENTS)
  list(APPEND modules "wholesale_ha-${component}")
  string(TOUPPER "${component}" upper)
  list(APPEND defines "-DWITH_${upper}=1")
endforeach()
if(modules)
  execute_process(COMMAND pkg-config --cflags --libs ${modules}
    RESULT_VARIABLE rc OUTPUT_VARIABLE flags ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config does not know ${modules}: ${err}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run("${CXX_COMPILER}" -std=c++20 ${build_flags} ${defines} "${CONSUMER_DIR}/main.cpp"
      -o "${WORK_DIR}/consumer-pc-components" ${flags} -pthread)
  run("${WORK_DIR}/consumer-pc-components" "${SOURCE_DIR}/examples/clusters/two-hosts-vms.json")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "installed package works through find_package and pkg-config")
