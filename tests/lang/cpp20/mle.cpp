#include <vector>
int main() { std::vector<std::vector<char>> v; for (;;) v.emplace_back(1 << 20, 'x'); }
