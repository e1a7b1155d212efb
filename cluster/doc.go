// Package cluster spreads a multi-run job over machines without scheduling
// anything itself: a job's cells (runs, grid points) are split into shards
// K/N by a fixed rule, each shard a process that writes only its own cells'
// files into a shared directory, and a final unsharded call summarises.
//
// Slurm runs the shards as an array job (one task per shard, the task id as
// K) with the summarising job submitted with --dependency=afterok on the
// array, the way submitit and Hydra's Slurm launcher lay out such jobs; a
// Kubernetes Indexed Job does the same with JOB_COMPLETION_INDEX as K (see
// docs/cluster.md). This package writes those sbatch scripts, submits them
// and reads back the job ids.
package cluster
