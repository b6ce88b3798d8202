"""A stand-in for the parts of Conan 2's Python API that conanfile.py and test_package/ use.

Not Conan: tests/install/conan_recipe_test.py puts this directory first on sys.path so that the
real recipes import it, then runs their methods in Conan's order. See _stand_in.py for what is
done for real (cmake, file copies, package-manager checks) and what is only emulated."""

from conan._stand_in import ConanFile

__all__ = ["ConanFile"]
