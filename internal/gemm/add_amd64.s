//go:build amd64 && !purego

#include "textflag.h"

// func addAVX2(dst, src *float32, n int)
// dst[i] += src[i] for i < n: 32 floats per step, then 8, then one.
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop32:
	CMPQ CX, $32
	JL loop8
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS 0(SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, DI
	ADDQ $128, SI
	SUBQ $32, CX
	JMP loop32
loop8:
	CMPQ CX, $8
	JL tail
	VMOVUPS 0(DI), Y0
	VADDPS 0(SI), Y0, Y0
	VMOVUPS Y0, 0(DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JMP loop8
tail:
	TESTQ CX, CX
	JZ done
	VMOVSS 0(DI), X0
	VADDSS 0(SI), X0, X0
	VMOVSS X0, 0(DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP tail
done:
	VZEROUPPER
	RET
