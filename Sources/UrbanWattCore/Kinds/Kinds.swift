/// Every kind UrbanWatt models, in the order `urbanwatt list` and the schema show them. A new kind
/// is one file in `Kinds/` and one line here.
public enum Kinds {
    public static let all: [any NodeKind.Type] = [
        Device.self,
        Sensor.self,
        Camera.self,
        Gateway.self,
        BaseStation.self,
        Link.self,
        Network.self,
        Server.self,
        Datacenter.self,
        Streetlight.self,
        TrafficSignal.self,
        EVCharger.self,
        Vehicle.self,
        Building.self,
    ]
}
