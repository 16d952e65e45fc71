/** Free task slots on one executor, offered to the task scheduler by a backend. */
export interface WorkerOffer {
  executorId: string;
  host: string;
  cores: number;
}
