// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package ops

import "simd/archsimd"

// convKernel4x16Acc is the assembly 4x16 float32 micro-kernel of the fast
// convolution (convkernel_amd64.s): out[r*outStride/4 + c] += Σ_i
// lhs[r*lhsStride/4 + i]·rhs[16i+c] for r < 4, c < 16, i < k; strides in
// bytes.
//
//go:noescape
func convKernel4x16Acc(k int, lhs, rhs, out *float32, outStride, lhsStride int)

// fastConvAvailable reports whether the CPU runs the AVX2/FMA kernel.
var fastConvAvailable = archsimd.X86.AVX2() && archsimd.X86.FMA()
