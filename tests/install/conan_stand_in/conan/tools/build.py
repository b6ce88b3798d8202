from conan._stand_in import can_run, check_min_cppstd, cross_building

__all__ = ["can_run", "check_min_cppstd", "cross_building"]
