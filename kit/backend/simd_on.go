//go:build goexperiment.simd

package backend

// SIMD is true when this binary was built with GOEXPERIMENT=simd, which
// compiles GoMLX's AVX2/AVX-512 matmul kernels into the pure-Go backend.
const SIMD = true
