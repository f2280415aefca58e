/* Solution for the checker tests: the test's first line is the problem's
 * input; every line after it is printed as this solution's output, so each
 * test states exactly what the checker is shown. */
#include <iostream>
#include <string>

int main()
{
	std::string line;
	std::getline(std::cin, line);
	std::cout << std::cin.rdbuf();
	return 0;
}
