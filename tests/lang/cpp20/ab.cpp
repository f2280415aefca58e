#include <iostream>
#include <concepts>
template <std::integral T> T add(T a, T b) { return a + b; }
int main() { long long a, b; std::cin >> a >> b; std::cout << add(a, b) << "\n"; }
