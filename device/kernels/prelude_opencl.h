/*
 * The OpenCL prelude of the device kernels. The kernels are written in the
 * C subset common to OpenCL C 1.2 and CUDA C++: they use only the macros
 * below for what the two spell differently, 1-D launches, int indices, and
 * the math functions both overload for float and double (exp, log, sqrt,
 * tanh, erf, fma). A CUDA backend compiles them (with NVRTC and the options
 * --fmad=false -prec-div=true -prec-sqrt=true) after this prelude instead:
 *
 *   #define KERNEL    extern "C" __global__
 *   #define GLOBAL
 *   #define SHARED    __shared__
 *   #define LOCALP
 *   #define DEVICE_FN static __device__ inline
 *   #define GID(d)    ((int)(blockIdx.x * blockDim.x + threadIdx.x))
 *   #define LID(d)    ((int)threadIdx.x)
 *   #define GROUP(d)  ((int)blockIdx.x)
 *   #define BARRIER() __syncthreads()
 *   #define IS_INF(x) isinf(x)
 *   #define INFINITY  __int_as_float(0x7f800000)   (NVRTC includes no headers)
 *
 * The CUDA prelude has not been compiled yet: no CUDA machine was at hand.
 * The build defines REAL (the element type: float or double) and ACC (the
 * accumulator of sums and of the functions nn computes in float64: double
 * where the device has it, else float).
 *
 * Contraction is off: a*b + c is two roundings unless a kernel calls fma,
 * so that the optimizers round exactly as PyTorch's CPU kernels.
 */
#ifdef USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#pragma OPENCL FP_CONTRACT OFF

#define KERNEL __kernel
#define GLOBAL __global
#define SHARED __local
#define LOCALP __local
#define DEVICE_FN static inline
#define GID(d) ((int)get_global_id(d))
#define LID(d) ((int)get_local_id(d))
#define GROUP(d) ((int)get_group_id(d))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define IS_INF(x) isinf(x)
