# Installs the already-built tree into a scratch prefix, then configures, builds and runs a
# consumer project against the *installed* package: once with find_package(CONFIG), once with
# pkg-config. The prefix is moved after installation to prove it is relocatable.

# CXX_FLAGS / LINKER_FLAGS (may be empty): the flags the library was built with.
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

run("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer-build" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer-build")
run("${WORK_DIR}/consumer-build/consumer" "${SOURCE_DIR}/examples/clusters/two-hosts-vms.json")

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
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "installed package works through find_package and pkg-config")
