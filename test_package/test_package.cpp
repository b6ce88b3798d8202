#include <wholesale_ha/version.hpp>

#include <iostream>

int main() {
  std::cout << "wholesale_ha " << wholesale_ha::version() << '\n';
  return 0;
}
