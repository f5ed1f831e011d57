import { ServiceError } from '../service-error.js';
import type { EcrContext } from './ecr-context.js';
import { batchDeleteImage, deleteRepository } from './image-deletes.js';
import { batchGetImage, describeImages, listImages } from './image-reads.js';
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  getDownloadUrlForLayer,
  initiateLayerUpload,
  uploadLayerPart,
} from './layers.js';
import { putImage } from './put-image.js';
import { createRepository, describeRepositories, putImageTagMutability } from './repositories.js';

/** The `x-amz-target` prefix of the ECR API (awsJson1_1). */
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

type Operation = (context: EcrContext, body: unknown) => unknown;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  BatchCheckLayerAvailability: batchCheckLayerAvailability,
  BatchDeleteImage: batchDeleteImage,
  BatchGetImage: batchGetImage,
  CompleteLayerUpload: completeLayerUpload,
  CreateRepository: createRepository,
  DeleteRepository: deleteRepository,
  DescribeImages: describeImages,
  DescribeRepositories: describeRepositories,
  GetDownloadUrlForLayer: getDownloadUrlForLayer,
  InitiateLayerUpload: initiateLayerUpload,
  ListImages: listImages,
  PutImage: putImage,
  PutImageTagMutability: putImageTagMutability,
  UploadLayerPart: uploadLayerPart,
};

/** The ECR operations the local endpoint implements. */
export const ECR_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** Runs one ECR operation; unknown operations are `UnknownOperationException`, as AWS answers. */
export const handleEcr = (context: EcrContext, operation: string, body: unknown): unknown => {
  const run = OPERATIONS[operation];
  if (run === undefined) {
    throw new ServiceError('UnknownOperationException', `The local endpoint does not implement ECR operation ${operation}`);
  }
  return run(context, body);
};
