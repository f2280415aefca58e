#include <iostream>
int main() { std::cout << missing_variable << "\n"; }
