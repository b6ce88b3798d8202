# wholesale_ha inside another project (add_subdirectory): it installs nothing of its own
# (WHOLESALE_HA_INSTALL defaults to top-level builds only), and the host's install works.
# Configure only: an install rule for any of our targets would fail on the missing binary.
foreach(var SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "subproject_test.cmake needs -D${var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/host")
file(WRITE "${WORK_DIR}/host/CMakeLists.txt" "cmake_minimum_required(VERSION 3.25)
project(host LANGUAGES CXX)
add_subdirectory(\"${SOURCE_DIR}\" wholesale_ha)
install(FILES CMakeLists.txt DESTINATION share/host)
")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/host" -B "${WORK_DIR}/build" -G "${GENERATOR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring a host project that adds wholesale_ha failed:\n${out}\n${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${WORK_DIR}/build" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(GLOB_RECURSE installed RELATIVE "${WORK_DIR}/prefix" "${WORK_DIR}/prefix/*")
if(NOT rc EQUAL 0 OR NOT installed STREQUAL "share/host/CMakeLists.txt")
  message(FATAL_ERROR "the host's install (exit ${rc}) installed: ${installed}\n${out}\n${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "as a subproject wholesale_ha installs nothing; the host's install works")
