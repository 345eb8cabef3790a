// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build !(amd64 && goexperiment.simd)

// Package avxclear clears the upper halves of the AVX registers (denoising
// fork); without the SIMD experiment nothing leaves them dirty.
package avxclear

// Clear does nothing here.
func Clear() {}
