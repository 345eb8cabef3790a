// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package ops

import "simd/archsimd"

// fastConvAvailable reports whether the CPU runs the AVX2/FMA kernel.
var fastConvAvailable = archsimd.X86.AVX2() && archsimd.X86.FMA()

// convKernel6x16Acc is the assembly 6x16 float32 micro-kernel of the fast
// convolution (convkernel_amd64.s): out[r*outStride/4 + c] += Σ_i
// lhs[r*lhsStride/4 + i]·rhs[16i+c] for r < 6, c < 16, i < k; strides in
// bytes.
//
//go:noescape
func convKernel6x16Acc(k int, lhs, rhs, out *float32, outStride, lhsStride int)

// convIndirect6x16 is the assembly indirect 6x16 micro-kernel
// (convkernel_amd64.s): records holds n records of 8 words, the addresses
// of rows a0..a5, a kernel offset b and a length L in bytes (> 0);
// out[r*outStride/4 + c] = Σ_records Σ_{i<L/4} a_r[i]·B[16i + c] for r < 6,
// c < 16, where B is at address bOff + 16·b (overwritten, or added to out
// when accumulate != 0). The caller keeps the memory behind the addresses
// alive.
//
//go:noescape
func convIndirect6x16(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int)

// convIndirectDot6 is the assembly indirect 6x1 dot micro-kernel
// (convkernel_amd64.s) for few output channels: records as for
// convIndirect6x16, but the kernel column B (one output channel's, L/4
// contiguous float32) is at address bOff + b; out[r*outStride/4] =
// Σ_records Σ_{i<L/4} a_r[i]·B[i] for r < 6 (overwritten, or added when
// accumulate != 0).
//
//go:noescape
func convIndirectDot6(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int)

// convStrided6x16 is the assembly strided 6x16 micro-kernel of the weight
// gradient (convkernel_amd64.s): records holds n records of 3 words, the
// addresses a and b and a step count m > 0; out (a 6x16 tile, row-major)
// accumulates Σ_records Σ_{t<m} A_t[r]·B_t[c] with A_t six consecutive
// float32 at a+aOff+t·aStep and B_t sixteen at b+bOff+t·bStep (bytes).
//
//go:noescape
func convStrided6x16(n int, records *uintptr, aOff, bOff, aStep, bStep int, out *float32)
