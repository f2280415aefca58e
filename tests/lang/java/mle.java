import java.util.ArrayList;
import java.util.Arrays;
public class Main {
    public static void main(String[] args) {
        ArrayList<long[]> keep = new ArrayList<>();
        for (;;) { long[] a = new long[1 << 17]; Arrays.fill(a, 1L); keep.add(a); }
    }
}
