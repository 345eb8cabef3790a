// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

// FastConvCalls exposes the fast-convolution call counter to ops_test.
func FastConvCalls() int64 { return fastConvCalls.Load() }

// FastConvAvailable exposes whether the fast convolution runs here.
var FastConvAvailable = fastConvAvailable

// SetFastConvChunks sets the contraction chunk sizing of the indirect
// convolution (panel and minimum chunk, in values) and returns the old
// values.
func SetFastConvChunks(panel, minChunk int) (oldPanel, oldMinChunk int) {
	oldPanel, oldMinChunk = fastConvPanel, fastConvMinChunk
	fastConvPanel, fastConvMinChunk = panel, minChunk
	return
}
