from conan._stand_in import CMake, CMakeDeps, CMakeToolchain, cmake_layout

__all__ = ["CMake", "CMakeDeps", "CMakeToolchain", "cmake_layout"]
