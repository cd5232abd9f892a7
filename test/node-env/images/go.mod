// The programs of the node tests' images (test/harness/node-images.ts builds them with CGO_ENABLED=0 and packs
// them with crane): pause, the sandbox image, and app, the test image. Standard library only.
module cheiron.local/node-images

go 1.26.0
