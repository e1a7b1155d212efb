//go:build amd64 && !purego

#include "textflag.h"

// Lane indices of the even values of two vectors (VPERMT2PS), and of
// values 0-7 and 8-15 spread to the even lanes (VPERMPS; odd lanes unused).
DATA stride2Even<>+0(SB)/4, $0
DATA stride2Even<>+4(SB)/4, $2
DATA stride2Even<>+8(SB)/4, $4
DATA stride2Even<>+12(SB)/4, $6
DATA stride2Even<>+16(SB)/4, $8
DATA stride2Even<>+20(SB)/4, $10
DATA stride2Even<>+24(SB)/4, $12
DATA stride2Even<>+28(SB)/4, $14
DATA stride2Even<>+32(SB)/4, $16
DATA stride2Even<>+36(SB)/4, $18
DATA stride2Even<>+40(SB)/4, $20
DATA stride2Even<>+44(SB)/4, $22
DATA stride2Even<>+48(SB)/4, $24
DATA stride2Even<>+52(SB)/4, $26
DATA stride2Even<>+56(SB)/4, $28
DATA stride2Even<>+60(SB)/4, $30
GLOBL stride2Even<>(SB), RODATA|NOPTR, $64

DATA stride2Spread<>+0(SB)/4, $0
DATA stride2Spread<>+4(SB)/4, $0
DATA stride2Spread<>+8(SB)/4, $1
DATA stride2Spread<>+12(SB)/4, $1
DATA stride2Spread<>+16(SB)/4, $2
DATA stride2Spread<>+20(SB)/4, $2
DATA stride2Spread<>+24(SB)/4, $3
DATA stride2Spread<>+28(SB)/4, $3
DATA stride2Spread<>+32(SB)/4, $4
DATA stride2Spread<>+36(SB)/4, $4
DATA stride2Spread<>+40(SB)/4, $5
DATA stride2Spread<>+44(SB)/4, $5
DATA stride2Spread<>+48(SB)/4, $6
DATA stride2Spread<>+52(SB)/4, $6
DATA stride2Spread<>+56(SB)/4, $7
DATA stride2Spread<>+60(SB)/4, $7
DATA stride2Spread<>+64(SB)/4, $8
DATA stride2Spread<>+68(SB)/4, $8
DATA stride2Spread<>+72(SB)/4, $9
DATA stride2Spread<>+76(SB)/4, $9
DATA stride2Spread<>+80(SB)/4, $10
DATA stride2Spread<>+84(SB)/4, $10
DATA stride2Spread<>+88(SB)/4, $11
DATA stride2Spread<>+92(SB)/4, $11
DATA stride2Spread<>+96(SB)/4, $12
DATA stride2Spread<>+100(SB)/4, $12
DATA stride2Spread<>+104(SB)/4, $13
DATA stride2Spread<>+108(SB)/4, $13
DATA stride2Spread<>+112(SB)/4, $14
DATA stride2Spread<>+116(SB)/4, $14
DATA stride2Spread<>+120(SB)/4, $15
DATA stride2Spread<>+124(SB)/4, $15
GLOBL stride2Spread<>(SB), RODATA|NOPTR, $128

// func stride2RowsAVX512(dst *float32, ldd int, src *float32, lds int, rows, cols int)
// dst[r*ldd+t] = src[r*lds+2*t]: sixteen values per step from two vectors
// of src, the second masked to its first fifteen lanes, so that nothing
// past src[r*lds+2*(cols-1)] is read; the last step of a row is masked.
TEXT ·stride2RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R12
	SHLQ $2, R12
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R13
	SHLQ $2, R13
	MOVQ rows+32(FP), R9
	VMOVUPS stride2Even<>(SB), Z5
	MOVQ $0x7fff, DX
	KMOVW DX, K7
g2row:
	MOVQ cols+40(FP), R8
	MOVQ DI, R10
	MOVQ SI, R11
g2col16:
	CMPQ R8, $16
	JL g2tail
	VMOVUPS 0(R11), Z0
	VMOVUPS.Z 64(R11), K7, Z1
	VPERMT2PS Z1, Z5, Z0
	VMOVUPS Z0, 0(R10)
	ADDQ $128, R11
	ADDQ $64, R10
	SUBQ $16, R8
	JMP g2col16
g2tail:
	TESTQ R8, R8
	JZ g2next
	LEAQ -1(R8)(R8*1), CX
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX
	KMOVW DX, K1
	SHRQ $16, DX
	KMOVW DX, K2
	MOVQ R8, CX
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX
	KMOVW DX, K3
	VMOVUPS.Z 0(R11), K1, Z0
	VMOVUPS.Z 64(R11), K2, Z1
	VPERMT2PS Z1, Z5, Z0
	VMOVUPS Z0, K3, 0(R10)
g2next:
	ADDQ R12, DI
	ADDQ R13, SI
	DECQ R9
	JNZ g2row
	VZEROUPPER
	RET

// func addStride2RowsAVX512(dst *float32, ldd int, src *float32, lds int, rows, cols int)
// dst[r*ldd+2*t] += src[r*lds+t]: sixteen values of src per step, spread to
// the even lanes of two vectors and added there (merge-masked: the odd lanes
// are written back unchanged) into dst[2t .. 2t+30], masked at the row's end.
TEXT ·addStride2RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R12
	SHLQ $2, R12
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R13
	SHLQ $2, R13
	MOVQ rows+32(FP), R9
	VMOVUPS stride2Spread<>(SB), Z6
	VMOVUPS stride2Spread<>+64(SB), Z7
	MOVQ $0x5555, DX
	KMOVW DX, K6
	MOVQ $0x7fff, DX
	KMOVW DX, K7
a2row:
	MOVQ cols+40(FP), R8
	MOVQ DI, R10
	MOVQ SI, R11
a2col16:
	CMPQ R8, $16
	JL a2tail
	VMOVUPS 0(R11), Z0
	VPERMPS Z0, Z6, Z1
	VPERMPS Z0, Z7, Z2
	VMOVUPS 0(R10), Z3
	VMOVUPS.Z 64(R10), K7, Z4
	VADDPS Z1, Z3, K6, Z3
	VADDPS Z2, Z4, K6, Z4
	VMOVUPS Z3, 0(R10)
	VMOVUPS Z4, K7, 64(R10)
	ADDQ $64, R11
	ADDQ $128, R10
	SUBQ $16, R8
	JMP a2col16
a2tail:
	TESTQ R8, R8
	JZ a2next
	MOVQ R8, CX
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX
	KMOVW DX, K3
	LEAQ -1(R8)(R8*1), CX
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX
	KMOVW DX, K1
	SHRQ $16, DX
	KMOVW DX, K2
	VMOVUPS.Z 0(R11), K3, Z0
	VPERMPS Z0, Z6, Z1
	VPERMPS Z0, Z7, Z2
	VMOVUPS.Z 0(R10), K1, Z3
	VMOVUPS.Z 64(R10), K2, Z4
	VADDPS Z1, Z3, K6, Z3
	VADDPS Z2, Z4, K6, Z4
	VMOVUPS Z3, K1, 0(R10)
	VMOVUPS Z4, K2, 64(R10)
a2next:
	ADDQ R12, DI
	ADDQ R13, SI
	DECQ R9
	JNZ a2row
	VZEROUPPER
	RET
