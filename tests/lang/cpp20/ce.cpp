int main() { int x = ; }
