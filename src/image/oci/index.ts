// Container image outputs: OCI image layout (+ docker-archive) from an image root.
export { writeOciImage, type OciImageOptions, type OciImageResult } from './layout.ts';
export {
  OciImageError, MEDIA_TYPES, SBOM_LABEL_PREFIX, ociPlatform, checkTag, checkRepository,
  type ContainerConfig, type ImageMetadata, type SbomReference, type Descriptor,
} from './model.ts';
