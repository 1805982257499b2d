// Sets or removes a producer byte-rate quota for one Kafka client id (test helper).
//
// Run in single-file source mode with the broker's jars on the class path:
//   java -cp 'LIB/*' ClientQuota.java BOOTSTRAP CLIENT_ID BYTES_PER_SECOND|none
// Neither confluent-kafka nor aiokafka can alter client quotas; Kafka's own Admin client can.
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

public class ClientQuota {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, args[1]));
        Double rate = args[2].equals("none") ? null : Double.valueOf(args[2]);
        ClientQuotaAlteration.Op op = new ClientQuotaAlteration.Op("producer_byte_rate", rate);
        try (Admin admin = Admin.create(props)) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(op)))).all().get();
        }
    }
}
