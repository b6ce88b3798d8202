from conan._stand_in import chdir, copy, load, mkdir, rm, rmdir, save

__all__ = ["chdir", "copy", "load", "mkdir", "rm", "rmdir", "save"]
