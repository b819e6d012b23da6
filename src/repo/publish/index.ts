// Publishing a directory of packages as an rpm-md repository.
export { publishRepository, type PublishOptions, type PublishResult, type ChecksumType } from './publish.ts';
export { scanPackages, type ScannedPackage } from './scan.ts';
