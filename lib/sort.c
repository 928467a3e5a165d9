/*
 * Quicksort of doubles without comparator calls: median-of-three pivots,
 * insertion sort below a cut-off, recursion on the smaller side only (so
 * the stack stays O(log n)), and a heapsort fallback when partitions keep
 * coming out lopsided (introsort), so adversarial inputs stay O(n log n).
 */
#include "sort_internal.h"

#define INSERTION_CUTOFF 24

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void sift_down(double *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        double t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(double *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static double median_of_three(double x, double y, double z)
{
    if (x < y) {
        if (y < z) return y;
        return x < z ? z : x;
    }
    if (x < z) return x;
    return y < z ? z : y;
}

static void intro_sort(double *a, size_t n, int depth)
{
    while (n > INSERTION_CUTOFF) {
        if (depth-- == 0) {
            heap_sort(a, n);
            return;
        }
        double pivot = median_of_three(a[0], a[n / 2], a[n - 1]);
        size_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition */
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        size_t left = j + 1; /* a[0..j] <= pivot <= a[j+1..n) */
        if (left < n - left) {
            intro_sort(a, left, depth);
            a += left;
            n -= left;
        } else {
            intro_sort(a + left, n - left, depth);
            n = left;
        }
    }
    insertion_sort(a, n);
}

void cx__sort_doubles(double *a, size_t n)
{
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
}
