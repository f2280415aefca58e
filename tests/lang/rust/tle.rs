fn main() {
    let mut n: u64 = 0;
    loop {
        unsafe { std::ptr::write_volatile(&mut n, n + 1) }
    }
}
