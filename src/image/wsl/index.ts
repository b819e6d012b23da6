// WSL output: the distribution's root filesystem as a .tar.gz / .wsl with WSL's config files.
export { writeWslImage, resolveInRoot, type WslImageOptions, type WslImageResult } from './rootfs.ts';
export { WslImageError, wslConf, wslDistributionConf, type WslDistributionSettings } from './conf.ts';
