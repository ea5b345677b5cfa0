/* The ceiling for UrbanWatt's telemetry rate: a minimal libmosquitto publisher that sends
 * pre-recorded messages ("topic payload" lines, as mosquitto_sub -v prints them) as fast as the
 * broker accepts, and reports messages per second from the first publish to the last
 * acknowledgement (QoS >= 1) or hand-over to the socket (QoS 0).
 *
 *   cc -O2 -o c_publisher c_publisher.c -lmosquitto
 *   ./c_publisher PORT QOS FILE
 */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int acked = 0, connected = 0;

static void on_connect(struct mosquitto *m, void *obj, int rc) { (void)m; (void)obj; connected = rc == 0 ? 1 : -1; }
static void on_publish(struct mosquitto *m, void *obj, int mid) { (void)m; (void)obj; (void)mid; __sync_fetch_and_add(&acked, 1); }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s PORT QOS FILE\n", argv[0]); return 64; }
    int port = atoi(argv[1]), qos = atoi(argv[2]);
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror(argv[3]); return 66; }
    size_t cap = 1 << 20, n = 0;
    char **topics = malloc(cap * sizeof *topics), **payloads = malloc(cap * sizeof *payloads);
    char *line = NULL;
    size_t len = 0;
    ssize_t r;
    while ((r = getline(&line, &len, f)) > 0) {
        if (line[r - 1] == '\n') line[--r] = 0;
        char *space = strchr(line, ' ');
        if (!space || strstr(line, "/status ")) continue;
        *space = 0;
        if (n == cap) { cap *= 2; topics = realloc(topics, cap * sizeof *topics); payloads = realloc(payloads, cap * sizeof *payloads); }
        topics[n] = strdup(line);
        payloads[n] = strdup(space + 1);
        n++;
    }
    fclose(f);
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new("c-ceiling", true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_max_inflight_messages_set(m, 2000);
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_publish_callback_set(m, on_publish);
    if (mosquitto_connect(m, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "cannot connect\n"); return 69; }
    mosquitto_loop_start(m);
    while (!connected) usleep(1000);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        while (mosquitto_publish(m, NULL, topics[i], (int)strlen(payloads[i]), payloads[i], qos, false) == MOSQ_ERR_NOMEM) usleep(100);
    }
    while ((size_t)acked < n) usleep(200);
    double t = now() - t0;
    printf("%zu messages in %.3f s: %.0f msg/s\n", n, t, n / t);
    mosquitto_disconnect(m);
    mosquitto_loop_stop(m, false);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    return 0;
}
