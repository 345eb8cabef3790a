// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

#include "textflag.h"

// func convKernel6x16Acc(k int, lhs, rhs, out *float32, outStride, lhsStride int)
//
// out[r*outStride/4 + c] += sum_{i<k} lhs[r*lhsStride/4 + i] * rhs[16i + c], r < 6, c < 16.
// Twelve YMM accumulators (enough independent FMAs to cover the FMA latency on
// both pipes), two for the rhs row, two for broadcasts.
TEXT ·convKernel6x16Acc(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ lhs+8(FP), AX
	MOVQ rhs+16(FP), BX
	MOVQ out+24(FP), DI
	MOVQ outStride+32(FP), SI
	MOVQ lhsStride+40(FP), R8
	LEAQ (R8)(R8*2), R9
	LEAQ (R8)(R8*4), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ   store6

loop6:
	VMOVUPS      (BX), Y12
	VMOVUPS      32(BX), Y13
	VBROADCASTSS (AX), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (AX)(R8*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (AX)(R8*2), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (AX)(R9*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (AX)(R8*4), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (AX)(R10*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $4, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop6

store6:
	VADDPS  (DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y2, Y2
	VADDPS  32(DI), Y3, Y3
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y4, Y4
	VADDPS  32(DI), Y5, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y6, Y6
	VADDPS  32(DI), Y7, Y7
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y8, Y8
	VADDPS  32(DI), Y9, Y9
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y10, Y10
	VADDPS  32(DI), Y11, Y11
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET


// func convIndirect6x16(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int)
//
// The indirect 6x16 micro-kernel: records holds n records of 8 words: the
// addresses of six rows a0..a5, an offset b, and a length L in bytes
// (> 0). Row a_r holds L/4 contiguous float32 (the input channels under
// one kernel tap or a run of taps, or zeros); the matching packed kernel
// rows, 16 float32 each, start at address bOff + 16·b. It overwrites
// out[r*outStride/4 + c] = sum over records and i < L/4 of
// a_r[i]*b[16i + c], r < 6, c < 16; with accumulate != 0 it adds to out
// instead.
TEXT ·convIndirect6x16(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ records+8(FP), AX
	MOVQ bOff+16(FP), SI
	MOVQ out+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ    istore

irecord:
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), BX
	SHLQ $4, BX
	MOVQ 56(AX), DX
	ADDQ SI, BX
	XORQ R14, R14

ichan:
	VMOVUPS      (BX), Y12
	VMOVUPS      32(BX), Y13
	VBROADCASTSS (R8)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R9)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R10)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R11)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R12)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (R13)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $64, BX
	ADDQ $4, R14
	CMPQ R14, DX
	JNE  ichan
	ADDQ $64, AX
	DECQ CX
	JNZ  irecord

istore:
	MOVQ outStride+32(FP), SI
	MOVQ accumulate+40(FP), DX
	TESTQ DX, DX
	JZ    iwrite
	MOVQ DI, BX
	VADDPS (BX), Y0, Y0
	VADDPS 32(BX), Y1, Y1
	ADDQ   SI, BX
	VADDPS (BX), Y2, Y2
	VADDPS 32(BX), Y3, Y3
	ADDQ   SI, BX
	VADDPS (BX), Y4, Y4
	VADDPS 32(BX), Y5, Y5
	ADDQ   SI, BX
	VADDPS (BX), Y6, Y6
	VADDPS 32(BX), Y7, Y7
	ADDQ   SI, BX
	VADDPS (BX), Y8, Y8
	VADDPS 32(BX), Y9, Y9
	ADDQ   SI, BX
	VADDPS (BX), Y10, Y10
	VADDPS 32(BX), Y11, Y11
iwrite:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET


// func convIndirectDot6(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int)
//
// The indirect 6x1 dot micro-kernel, for convolutions with few output
// channels: records as for convIndirect6x16 (six row addresses, b, length
// L in bytes, a multiple of 4), but the kernel column is L/4 contiguous
// float32 at address bOff + b (one output channel's packed column). It
// overwrites
// out[r*outStride/4] = sum over records and i < L/4 of a_r[i]*b[i],
// r < 6 (adds to it when accumulate != 0). Rows are multiplied 16 values
// at a time (two accumulators per row), then 8, then a masked tail.
TEXT ·convIndirectDot6(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ records+8(FP), AX
	MOVQ bOff+16(FP), SI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ    dreduce

drecord:
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), BX
	ADDQ SI, BX
	MOVQ 56(AX), DX
	XORQ R14, R14
	MOVQ DX, DI
	ANDQ $-64, DI
	TESTQ DI, DI
	JZ   d8

d16:
	VMOVUPS (BX)(R14*1), Y12
	VMOVUPS 32(BX)(R14*1), Y13
	VFMADD231PS (R8)(R14*1), Y12, Y0
	VFMADD231PS 32(R8)(R14*1), Y13, Y1
	VFMADD231PS (R9)(R14*1), Y12, Y2
	VFMADD231PS 32(R9)(R14*1), Y13, Y3
	VFMADD231PS (R10)(R14*1), Y12, Y4
	VFMADD231PS 32(R10)(R14*1), Y13, Y5
	VFMADD231PS (R11)(R14*1), Y12, Y6
	VFMADD231PS 32(R11)(R14*1), Y13, Y7
	VFMADD231PS (R12)(R14*1), Y12, Y8
	VFMADD231PS 32(R12)(R14*1), Y13, Y9
	VFMADD231PS (R13)(R14*1), Y12, Y10
	VFMADD231PS 32(R13)(R14*1), Y13, Y11
	ADDQ $64, R14
	CMPQ R14, DI
	JNE  d16

d8:
	MOVQ DX, DI
	SUBQ R14, DI
	CMPQ DI, $32
	JLT  dtail
	VMOVUPS (BX)(R14*1), Y12
	VFMADD231PS (R8)(R14*1), Y12, Y0
	VFMADD231PS (R9)(R14*1), Y12, Y2
	VFMADD231PS (R10)(R14*1), Y12, Y4
	VFMADD231PS (R11)(R14*1), Y12, Y6
	VFMADD231PS (R12)(R14*1), Y12, Y8
	VFMADD231PS (R13)(R14*1), Y12, Y10
	ADDQ $32, R14
	SUBQ $32, DI

dtail:
	TESTQ DI, DI
	JZ    dnext
	LEAQ  ·dotMaskTable+32(SB), DX
	SUBQ  DI, DX
	VMOVUPS (DX), Y15
	VMASKMOVPS (BX)(R14*1), Y15, Y12
	VMASKMOVPS (R8)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y1
	VMASKMOVPS (R9)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y3
	VMASKMOVPS (R10)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y5
	VMASKMOVPS (R11)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y7
	VMASKMOVPS (R12)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y9
	VMASKMOVPS (R13)(R14*1), Y15, Y14
	VFMADD231PS Y14, Y12, Y11

dnext:
	ADDQ $64, AX
	DECQ CX
	JNZ  drecord

dreduce:
	MOVQ out+24(FP), DI
	MOVQ outStride+32(FP), SI
	MOVQ accumulate+40(FP), DX
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X12
	VADDPS X12, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	TESTQ DX, DX
	JZ    dst0
	VADDSS (DI), X0, X0
dst0:
	VMOVSS X0, (DI)
	ADDQ SI, DI
	VADDPS Y3, Y2, Y2
	VEXTRACTF128 $1, Y2, X12
	VADDPS X12, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	TESTQ DX, DX
	JZ    dst1
	VADDSS (DI), X2, X2
dst1:
	VMOVSS X2, (DI)
	ADDQ SI, DI
	VADDPS Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X12
	VADDPS X12, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	TESTQ DX, DX
	JZ    dst2
	VADDSS (DI), X4, X4
dst2:
	VMOVSS X4, (DI)
	ADDQ SI, DI
	VADDPS Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X12
	VADDPS X12, X6, X6
	VHADDPS X6, X6, X6
	VHADDPS X6, X6, X6
	TESTQ DX, DX
	JZ    dst3
	VADDSS (DI), X6, X6
dst3:
	VMOVSS X6, (DI)
	ADDQ SI, DI
	VADDPS Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X12
	VADDPS X12, X8, X8
	VHADDPS X8, X8, X8
	VHADDPS X8, X8, X8
	TESTQ DX, DX
	JZ    dst4
	VADDSS (DI), X8, X8
dst4:
	VMOVSS X8, (DI)
	ADDQ SI, DI
	VADDPS Y11, Y10, Y10
	VEXTRACTF128 $1, Y10, X12
	VADDPS X12, X10, X10
	VHADDPS X10, X10, X10
	VHADDPS X10, X10, X10
	TESTQ DX, DX
	JZ    dst5
	VADDSS (DI), X10, X10
dst5:
	VMOVSS X10, (DI)
	VZEROUPPER
	RET

// dotMaskTable: eight all-ones then eight zero words; the eight words
// from byte 32-4k on mask the first k lanes.
DATA ·dotMaskTable+0(SB)/4, $0xffffffff
DATA ·dotMaskTable+4(SB)/4, $0xffffffff
DATA ·dotMaskTable+8(SB)/4, $0xffffffff
DATA ·dotMaskTable+12(SB)/4, $0xffffffff
DATA ·dotMaskTable+16(SB)/4, $0xffffffff
DATA ·dotMaskTable+20(SB)/4, $0xffffffff
DATA ·dotMaskTable+24(SB)/4, $0xffffffff
DATA ·dotMaskTable+28(SB)/4, $0xffffffff
DATA ·dotMaskTable+32(SB)/4, $0
DATA ·dotMaskTable+36(SB)/4, $0
DATA ·dotMaskTable+40(SB)/4, $0
DATA ·dotMaskTable+44(SB)/4, $0
DATA ·dotMaskTable+48(SB)/4, $0
DATA ·dotMaskTable+52(SB)/4, $0
DATA ·dotMaskTable+56(SB)/4, $0
DATA ·dotMaskTable+60(SB)/4, $0
GLOBL ·dotMaskTable(SB), RODATA|NOPTR, $64


// func convStrided6x16(n int, records *uintptr, aOff, bOff, aStep, bStep int, out *float32)
//
// The strided 6x16 micro-kernel of the weight gradient: records holds n
// records of 3 words, addresses a and b and a count m > 0. For each, it
// accumulates m steps of out[r][c] += A[r]·B[c], r < 6, c < 16, where A
// is six consecutive float32 at a+aOff (advancing aStep bytes a step) and
// B sixteen at b+bOff (advancing bStep). out is a 6x16 tile (rows 64 bytes
// apart), loaded first and stored at the end.
TEXT ·convStrided6x16(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ records+8(FP), R8
	MOVQ aStep+32(FP), SI
	MOVQ bStep+40(FP), R9
	MOVQ out+48(FP), DI
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VMOVUPS 128(DI), Y4
	VMOVUPS 160(DI), Y5
	VMOVUPS 192(DI), Y6
	VMOVUPS 224(DI), Y7
	VMOVUPS 256(DI), Y8
	VMOVUPS 288(DI), Y9
	VMOVUPS 320(DI), Y10
	VMOVUPS 352(DI), Y11
	TESTQ CX, CX
	JZ    sstore

srecord:
	MOVQ 0(R8), AX
	ADDQ aOff+16(FP), AX
	MOVQ 8(R8), BX
	ADDQ bOff+24(FP), BX
	MOVQ 16(R8), DX

sstep:
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13
	VBROADCASTSS 0(AX), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS 4(AX), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS 8(AX), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS 12(AX), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS 16(AX), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS 20(AX), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ SI, AX
	ADDQ R9, BX
	DECQ DX
	JNZ  sstep
	ADDQ $24, R8
	DECQ CX
	JNZ  srecord

sstore:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	VMOVUPS Y11, 352(DI)
	VZEROUPPER
	RET
