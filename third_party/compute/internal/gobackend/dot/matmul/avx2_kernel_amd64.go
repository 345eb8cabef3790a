// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package matmul

// avx2Kernel4x16F32 is the assembly 4x16 float32 micro-kernel (see
// avx2_kernel_amd64.s): out[r*outStride/4 + c] = Σ_i lhs[4i+r]·rhs[16i+c]
// for r < 4, c < 16, i < k; outStride is in bytes. It replaces the
// archsimd loop of avx2LargeKernelFloat32, whose generated code spilled
// registers and copied the FMA operands (~3x slower here).
//
//go:noescape
func avx2Kernel4x16F32(k int, lhs, rhs, out *float32, outStride int)

// useAsmKernel4x16 selects the assembly micro-kernel (tests flip it to
// compare with the archsimd one).
var useAsmKernel4x16 = true
