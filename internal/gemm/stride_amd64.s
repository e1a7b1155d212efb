//go:build amd64 && !purego

#include "textflag.h"

// func stride2AVX2(dst, src *float32, n, srcLen int)
// dst[i] = src[2*i] for i < n: eight values from sixteen per step while
// sixteen remain in src (an in-lane shuffle picks the even values, a
// permute of the quadwords puts them in order), then one at a time.
TEXT ·stride2AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ srcLen+24(FP), DX
loop8:
	CMPQ CX, $8
	JL tail
	CMPQ DX, $16
	JL tail
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VPERMPD $0xD8, Y2, Y2
	VMOVUPS Y2, 0(DI)
	ADDQ $32, DI
	ADDQ $64, SI
	SUBQ $8, CX
	SUBQ $16, DX
	JMP loop8
tail:
	TESTQ CX, CX
	JZ done
	MOVL 0(SI), AX
	MOVL AX, 0(DI)
	ADDQ $4, DI
	ADDQ $8, SI
	DECQ CX
	JMP tail
done:
	VZEROUPPER
	RET
