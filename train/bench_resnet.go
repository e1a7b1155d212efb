package train

import "github.com/adafisher-go/landscape/models"

// The ResNet-18 of the official code (issue 16) on CIFAR-sized batches, the
// paper's main workload.
func init() {
	Workloads = append(Workloads, Workload{Name: "resnet18_cifar_b128",
		Model: models.Config{Arch: "resnet18", InputShape: []int{3, 32, 32}, Classes: 10}, Batch: 128, DType: "float32"})
}
