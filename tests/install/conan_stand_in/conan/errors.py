from conan._stand_in import ConanException, ConanInvalidConfiguration

__all__ = ["ConanException", "ConanInvalidConfiguration"]
