# Packaging (docs/packaging.md): the Conan recipe (conanfile.py, test_package/) and the vcpkg
# port (ports/wholesale-ha/) run the way their clients would run them, without the clients,
# which are not installed: each configures, builds and installs the library in a scratch folder
# exactly as the recipe or the port says, then builds and runs consumers against the result.
# Included from tests/CMakeLists.txt; the scratch folders are emptied at the start of each run.

# With the main build's generator and compiler (and ccache, when the build uses it); the
# backends are those this build has.
set(packaging_launcher "")
if(CMAKE_CXX_COMPILER_LAUNCHER)
  list(GET CMAKE_CXX_COMPILER_LAUNCHER 0 packaging_launcher)
endif()
set(packaging_features "")
foreach(backend libvirt corosync cib)
  string(TOUPPER "${backend}" upper)
  if(WHOLESALE_HA_WITH_${upper})
    set(packaging_with_${backend} ON)
    list(APPEND packaging_features ${backend})
  else()
    set(packaging_with_${backend} OFF)
  endif()
endforeach()
string(REPLACE ";" "," packaging_features_arg "${packaging_features}")

# conanfile.py through a stand-in of Conan's Python API (tests/install/conan_stand_in), as
# `conan create . -o "&:shared=True" -s compiler.cppstd=20` with this build's backends.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  add_test(NAME packaging.conan_recipe
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/conan_recipe_test.py"
            "--source=${PROJECT_SOURCE_DIR}"
            "--work=${CMAKE_CURRENT_BINARY_DIR}/packaging-conan"
            "--generator=${CMAKE_GENERATOR}"
            "--cxx-compiler=${CMAKE_CXX_COMPILER}"
            "--launcher=${packaging_launcher}"
            --jobs=2 --shared=ON
            --with-libvirt=${packaging_with_libvirt}
            --with-corosync=${packaging_with_corosync}
            --with-cib=${packaging_with_cib})
  set_tests_properties(packaging.conan_recipe PROPERTIES TIMEOUT 900 LABELS packaging PROCESSORS 2)
else()
  message(STATUS "python3 not found: packaging.conan_recipe (the Conan recipe test) is not registered")
endif()

# The vcpkg port through CMake definitions of the vcpkg helpers it calls, as
# `vcpkg install wholesale-ha[core,<this build's backends>] --overlay-ports=ports` on a static,
# release-only x64 Linux triplet.
add_test(NAME packaging.vcpkg_port
  COMMAND "${CMAKE_COMMAND}"
          "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
          "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/packaging-vcpkg"
          "-DGENERATOR=${CMAKE_GENERATOR}"
          "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
          "-DCXX_COMPILER_LAUNCHER=${packaging_launcher}"
          "-DFEATURES_WANTED=${packaging_features_arg}"
          -DJOBS=2
          -P "${CMAKE_CURRENT_LIST_DIR}/vcpkg_port_test.cmake")
set_tests_properties(packaging.vcpkg_port PROPERTIES TIMEOUT 900 LABELS packaging PROCESSORS 2)
