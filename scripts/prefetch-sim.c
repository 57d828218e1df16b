/* The simulation cited by `prefetch_buckets` (src/input/mod.rs): 13 M lookups into a
 * 580 MB table of 64-byte buckets in 4 KiB pages (the duplicate table of the 1 GB
 * benchmark's tests), with about 40 operations of other work per row, the bucket
 * loaded in four ways:
 *   0  one prefetch 12 rows ahead, interleaved with the work (the build before);
 *   1  the buckets of a group of G rows prefetched in a loop of their own, then the
 *      group's work;
 *   2  the work alone, no table (the floor);
 *   3  no prefetch at all;
 *   4  as 1, the next group's buckets prefetched while a group is worked on (jindu).
 *
 *   cc -O2 scripts/prefetch-sim.c -o /tmp/prefetch-sim
 *   for m in 0 1 2 3 4; do /tmp/prefetch-sim $m 128; done
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

int main(int argc, char **argv) {
  size_t n = (size_t)580 << 20, m = n / 64, rows = 13000000;
  int mode = argc > 1 ? atoi(argv[1]) : 4, g = argc > 2 ? atoi(argv[2]) : 128;
  char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  madvise(p, n, MADV_NOHUGEPAGE);
  for (size_t i = 0; i < n; i += 4096) p[i] = 1;
  uint64_t *keys = malloc(rows * 8), s = 0;
  for (size_t i = 0; i < rows; i++) keys[i] = mix(i + 1);
#define WORK(i) do { uint64_t w = keys[i]; for (int k = 0; k < 40; k++) w = w * 31 + k; s += w; } while (0)
#define LOOKUP(i) do { char *b = p + (keys[i] % m) * 64; s += *(volatile char *)b; (*b)++; } while (0)
#define PREFETCH(i) __builtin_prefetch(p + (keys[i] % m) * 64)
  double t0 = now();
  if (mode == 0) {
    for (size_t i = 0; i < rows; i++) { if (i + 12 < rows) PREFETCH(i + 12); WORK(i); LOOKUP(i); }
  } else if (mode == 2) {
    for (size_t i = 0; i < rows; i++) WORK(i);
  } else if (mode == 3) {
    for (size_t i = 0; i < rows; i++) { WORK(i); LOOKUP(i); }
  } else {
    for (size_t a = 0; a < rows; a += g) {
      size_t e = a + g < rows ? a + g : rows;
      if (mode == 1 || a == 0) for (size_t i = a; i < e; i++) PREFETCH(i);
      if (mode == 4) for (size_t i = e; i < e + g && i < rows; i++) PREFETCH(i);
      for (size_t i = a; i < e; i++) { WORK(i); LOOKUP(i); }
    }
  }
  printf("mode %d group %d: %.3f s (%llu)\n", mode, g, now() - t0, (unsigned long long)s);
  return 0;
}
