fun main() {
    val keep = ArrayList<LongArray>()
    while (true) keep.add(LongArray(1 shl 17) { 1L })
}
