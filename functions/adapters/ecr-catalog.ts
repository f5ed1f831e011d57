import {
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  DescribeRepositoriesCommand,
  type DescribeRepositoriesCommandOutput,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import type { ListedImage, RegistryCatalog } from '../app/ports.js';
import { toGuardError } from './aws-error.js';

/**
 * The largest page DescribeRepositories and DescribeImages return (`maxResults` 1-1000; 100 when
 * absent): fewer round trips per repository. Source: API_DescribeImages and API_DescribeRepositories
 * in the Amazon ECR API reference (aws-sdk-js-v3 codegen/sdk-codegen/aws-models/ecr.json, MaxResults).
 */
const PAGE = 1000;

/** The ECR adapter of the {@link RegistryCatalog} port: DescribeRepositories and DescribeImages, paginated. */
export const createEcrCatalog = (client: ECRClient, options: { readonly registryId?: string } = {}): RegistryCatalog => {
  const registryId = options.registryId === undefined ? {} : { registryId: options.registryId };
  return {
    async *repositories() {
      let nextToken: string | undefined;
      do {
        let output: DescribeRepositoriesCommandOutput;
        try {
          output = await client.send(
            new DescribeRepositoriesCommand({
              ...registryId,
              maxResults: PAGE,
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
          );
        } catch (error) {
          throw toGuardError(error, 'DescribeRepositories');
        }
        for (const repository of output.repositories ?? []) {
          if (repository.repositoryName === undefined) continue;
          yield { name: repository.repositoryName, uri: repository.repositoryUri ?? '' };
        }
        nextToken = output.nextToken;
      } while (nextToken !== undefined);
    },
    async *taggedImages(repository: string) {
      let nextToken: string | undefined;
      do {
        let output: DescribeImagesCommandOutput;
        try {
          output = await client.send(
            new DescribeImagesCommand({
              ...registryId,
              repositoryName: repository,
              filter: { tagStatus: 'TAGGED' },
              maxResults: PAGE,
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
          );
        } catch (error) {
          throw toGuardError(error, `DescribeImages ${repository}`);
        }
        for (const detail of output.imageDetails ?? []) {
          if (detail.imageDigest === undefined) continue;
          const image: ListedImage = {
            digest: detail.imageDigest,
            tags: detail.imageTags ?? [],
            pushedAt: detail.imagePushedAt?.getTime() ?? null,
          };
          yield image;
        }
        nextToken = output.nextToken;
      } while (nextToken !== undefined);
    },
  };
};
