#ifndef URBANWATT_CMOSQUITTO_SHIM_H
#define URBANWATT_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
