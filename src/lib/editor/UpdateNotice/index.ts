export { default as UpdateNotice } from './UpdateNotice.svelte';
export {
	AppUpdate,
	SKIP_WAITING,
	type RegistrationLike,
	type WorkerContainerLike,
	type WorkerLike
} from './app-update.svelte';
