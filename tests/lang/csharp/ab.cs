using System;
class Program {
    static void Main() {
        var p = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine(long.Parse(p[0]) + long.Parse(p[1]));
    }
}
