/*
 * maintenance.h -- the DLZ module's maintenance thread.
 *
 * It polls the registry for changes made by kmsdns-registry and rebuilds
 * the snapshot, ages registrations out and sends the NOTIFYs queued by
 * notify_enqueue().
 */
#ifndef KMSDNS_MAINTENANCE_H
#define KMSDNS_MAINTENANCE_H

#include "instance.h"

/*
 * Queue a NOTIFY of ZONE for the maintenance thread of INST and wake it;
 * nothing when NOTIFY is off, a warning when the queue is full.
 */
void notify_enqueue(kd_instance *inst, const char *zone);

/*
 * The maintenance thread of the instance ARG: runs until INST->stopping is
 * set (instance_free()). Returns NULL.
 */
void *maintenance_main(void *arg);

#endif /* KMSDNS_MAINTENANCE_H */
