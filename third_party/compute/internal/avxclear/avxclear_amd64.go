// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

// Package avxclear clears the upper halves of the AVX registers (denoising
// fork).
//
// Code built with simd/archsimd leaves the upper 128 bits of the YMM
// registers dirty (Go 1.26 does not yet emit VZEROUPPER after it), and the
// legacy-SSE scalar float code the Go compiler emits everywhere else (the
// math package, every scalar loop) then runs with false dependencies on
// them: measured here, math.Exp took ~860 ns instead of ~16 ns after a
// fused elementwise kernel. Clear is called at the end of every node
// execution and of every worker task.
package avxclear

import "simd/archsimd"

var hasAVX = archsimd.X86.AVX()

// Clear executes VZEROUPPER when the CPU has AVX.
func Clear() {
	if hasAVX {
		archsimd.ClearAVXUpperBits()
	}
}
