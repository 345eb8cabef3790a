// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build !(amd64 && goexperiment.simd)

package ops

// fastConvAvailable is false without the AVX2 kernel (build with
// GOEXPERIMENT=simd on amd64).
var fastConvAvailable = false

// convKernel6x16Acc is never called without the assembly kernel.
func convKernel6x16Acc(k int, lhs, rhs, out *float32, outStride, lhsStride int) {
	panic("convKernel6x16Acc: no assembly kernel in this build")
}

// convIndirect6x16 is never called without the assembly kernel.
func convIndirect6x16(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int) {
	panic("convIndirect6x16: no assembly kernel in this build")
}

// convIndirectDot6 is never called without the assembly kernel.
func convIndirectDot6(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int) {
	panic("convIndirectDot6: no assembly kernel in this build")
}

// convStrided6x16 is never called without the assembly kernel.
func convStrided6x16(n int, records *uintptr, aOff, bOff, aStep, bStep int, out *float32) {
	panic("convStrided6x16: no assembly kernel in this build")
}
