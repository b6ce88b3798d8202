from conan._stand_in import Version

__all__ = ["Version"]
